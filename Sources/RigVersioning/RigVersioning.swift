public enum RigVersioning {}
