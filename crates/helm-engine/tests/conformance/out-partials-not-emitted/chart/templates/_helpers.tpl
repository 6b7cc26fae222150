kind: ShouldNotAppear
