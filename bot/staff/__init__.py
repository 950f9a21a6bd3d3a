"""The staff side: accounts and sign-in, the agents' desk over live conversations."""
