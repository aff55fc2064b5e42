public enum RigCLI {}
