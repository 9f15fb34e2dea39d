"""Read models: what the CLI prints, the flows publish and the reports read (cooperation
page, audit check, directory, Kooperations-Check, portfolio). No SQL here: they call
models/. Kept free of imports, so that `ikz coop show` loads only the view it needs.
"""
