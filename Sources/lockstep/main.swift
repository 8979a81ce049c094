LockstepCommand.main()
