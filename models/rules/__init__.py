"""The rule book, by subject: values (one field), register, members, income, assistance,
procedures, exit_check, ledgers, settings; ``records`` runs a table's rules on a record or a sheet.

Every door (the form's services, the audited writer, the county and national imports, the CLI,
the data-quality checks) calls these same functions, so a rule has one home."""
