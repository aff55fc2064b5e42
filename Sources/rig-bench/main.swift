import RigKit
