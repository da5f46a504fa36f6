import StepAPI

/// Why a call to stepd failed: the daemon answered with an error (`.api`), or no answer came
/// (`.transport`). The same type the configuration folder's callers throw.
public typealias StepClientError = APICallFailure
