"""A whole network in one process from Python (examples/python/network.py): a Python
chaincode defined through `_lifecycle` by three orgs, transfers endorsed by two, ordered
and committed by three peers that end on the same chain."""

from __future__ import annotations

import importlib.util

from conftest import CONFORMANCE, ROOT


def test_three_peers_one_chain(tmp_path):
    spec = importlib.util.spec_from_file_location("network", ROOT / "examples/python/network.py")
    network = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(network)
    result = network.run(CONFORMANCE, tmp_path, transactions=120, accounts=100)
    assert result["codes"] == {"VALID": 120}
    assert result["events"] == 120
    assert result["total_balance"] == 100 * 1000  # transfers move tokens, never make them
    # The definition (3 approvals and a commit), 2 blocks of mints, 3 of transfers.
    assert result["height"] == 1 + 4 + 2 + 3
