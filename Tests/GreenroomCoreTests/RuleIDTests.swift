import GreenroomCore
import Testing

/// The rule ids are a closed set with stable text.
@Suite struct RuleIDTests {
    @Test func everyIDRoundTripsThroughItsText() throws {
        for id in RuleID.allCases {
            #expect(RuleID(id.description) == id)
            #expect(id.description.count == 5 && id.description.hasPrefix("GR"), "\(id)")
        }
        #expect(RuleID("GR999") == nil)
        #expect(RuleID("gr001") == nil)
    }

    @Test func idsAreUniqueAndOrderedByNumber() {
        let all = RuleID.allCases
        #expect(Set(all).count == all.count)
        #expect(all == all.sorted())
        #expect(RuleID.specWildcardBind.description == "GR001")
        #expect(RuleID.liveAddressNotLocal.description == "GR092")
    }
}
