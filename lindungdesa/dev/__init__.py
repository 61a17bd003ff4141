"""Development tooling, not part of the product a province runs: the demo province generator.

`make run` installs the `demo` extra (Faker) and fills Kalimantan Barat with it (`lindungdesa setup --demo`,
`lindungdesa demo-data`); a server installed with `make install` has neither, and `demo-data` says which
package is missing.
"""
