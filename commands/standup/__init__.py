"""The daily stand-up (晨会): settings, answers, skips, out of office and its schedule."""
