"""Fails when a committed notebook holds outputs or execution counts: the repository keeps them stripped."""
import json
import sys

dirty = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        notebook = json.load(f)
    if notebook.get("nbformat") != 4:
        dirty.append(f"{path}: not nbformat 4")
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            dirty.append(f"{path}: cell {i} has outputs; perhaps you should run "
                         "jupyter nbconvert --clear-output --inplace " + path)
if dirty:
    sys.exit("\n".join(dirty))
