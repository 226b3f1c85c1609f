"""Scheduled work (stand-ups, digests, deviation checks); arrives with the rituals issue."""
