"""What every command stands on: errors, tokens, dates, money, periods, who is asking
and who may read what."""
