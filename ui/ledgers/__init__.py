"""The 台账 section: the four ledgers, each filtered by period and exported as shown."""
