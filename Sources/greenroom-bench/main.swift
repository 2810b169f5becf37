// greenroom-bench: Greenroom's benchmarks. Figures are printed next to a peer measured in the
// same run, as ratios, because these machines are noisy.
//
//   swift run -c release greenroom-bench core     micro-benchmarks of GreenroomCore
//   swift run -c release greenroom-bench load     HTTP load against greenroom and its peers

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "core":
    CoreBench.run(arguments: Array(arguments.dropFirst()))
default:
    print(
        """
        usage: greenroom-bench core [--iterations N]
        """)
}
