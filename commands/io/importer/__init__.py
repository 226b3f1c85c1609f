"""Import customers, deals, activities, forecast calls and adjustments, or follow-ups from a
CSV or Excel file: every row, or none.

Reading, checking and writing are separate steps so a dry run is the same check without
the write, and the caller owns the transaction:

    rows = read.read_rows(path, sheet="deals")     # text cells, indexed by file line
    plan = check.plan_import("deals", rows, session=session, workspace=ws, now=now)
    if plan.ok:
        result = write.apply_import(plan, session=session)

Two layouts are understood for deals: salesbot's own export (so exporting and importing
into an empty workspace reproduces the rows) and a Salesforce opportunity report; customers
also accept a Salesforce account report. People are matched by member name, customers by
name ignoring case and spacing. Rows already in the workspace (or earlier in the file) are
skipped, so importing the same file twice is safe.
"""
