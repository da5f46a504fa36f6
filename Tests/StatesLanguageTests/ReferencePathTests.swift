import JSON
import Testing

@testable import StatesLanguage
