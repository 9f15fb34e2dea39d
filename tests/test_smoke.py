from ikz.views.audit import verify_audit
from ikz.views.cooperation import show
from tests.factories import World, coop_in, go


def test_walk_to_permanent_and_audit_verifies(world: World) -> None:
    cid = coop_in(world, "permanent")
    view = show(world.app, cid)
    assert view["state"] == "permanent"
    assert view["version"] == 6
    res = go(world, cid, "spawn_follow_up", follow_up_title="Digitalstrategie")
    checked, broken, _ = verify_audit(world.app)
    assert broken is None
    assert checked == 7 + 1
    assert show(world.app, res.follow_up_id)["parent_id"] == cid  # type: ignore[attr-defined]
