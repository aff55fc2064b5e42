import RigCLI
