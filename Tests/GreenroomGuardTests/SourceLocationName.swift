import GreenroomCore

/// Swift Testing has a `SourceLocation` too; in these tests the name means the file position.
typealias SourceLocation = GreenroomCore.SourceLocation
