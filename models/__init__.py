"""The program without a screen: records, rules, storage, services, exchange and wording (no Qt)."""
