import RigCLI
import RigKit

var types = StepTypeRegistry.standard
types.register(MarkerStep(), origin: .swift("LabSteps"))
RigCLI.main(stepTypes: types)
