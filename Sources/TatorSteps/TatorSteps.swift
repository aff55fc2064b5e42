public enum TatorSteps {}
