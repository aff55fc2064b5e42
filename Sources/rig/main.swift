import RigCLI

RigCLI.main()
