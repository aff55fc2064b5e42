public enum RigLab {}
