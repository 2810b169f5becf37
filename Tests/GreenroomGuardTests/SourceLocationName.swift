import GreenroomConfigParsing

/// Swift Testing has a `SourceLocation` too; in these tests the name means the file position.
typealias SourceLocation = GreenroomConfigParsing.SourceLocation
