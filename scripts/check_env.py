"""Fail the set-up if it pulled a CUDA build of torch or any nvidia-* package."""

import sys
from importlib import metadata

bad = sorted(
    d.metadata["Name"]
    for d in metadata.distributions()
    if d.metadata["Name"].lower().startswith(("nvidia-", "nvidia_"))
)
torch_version = metadata.version("torch")
if bad or "+cpu" not in torch_version and torch_version != "2.13.0":
    sys.exit(
        f"set-up error: CUDA packages were installed ({', '.join(bad) or 'torch ' + torch_version}); "
        "install torch==2.13.0 first"
    )
if torch_version.split("+")[0] != "2.13.0":
    sys.exit(f"set-up error: torch {torch_version} installed, expected 2.13.0")
print(f"environment ok: torch {torch_version}, no nvidia packages")
