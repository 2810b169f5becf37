print("greenroom-bench")
