"""The 帮扶 section: the village team and cadres, pairing, visits."""
