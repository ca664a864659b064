"""Major incidents on screen: the declare dialog (M on the board) and the banner that
counts down to each open major incident's next client update."""
