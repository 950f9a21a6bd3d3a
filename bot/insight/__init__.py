"""What shoppers want: sentiment per message, a lead score per conversation, analytics, the
demand the catalog misses, and a sales forecast."""
