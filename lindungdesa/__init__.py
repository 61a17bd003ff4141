"""Lindung Desa: employment social security for village officials and BPD members."""
