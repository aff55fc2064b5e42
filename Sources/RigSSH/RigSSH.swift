public enum RigSSH {}
