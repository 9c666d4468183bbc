"""The actor: "the network admin sees every organisation" said once (services/actor.py) and
read the same way by the import, broadcasts and reports."""

from __future__ import annotations

import pytest

from models.enums import Role
from services import imports, reports
from services.actor import Actor
from services.broadcasts import Audience, check_audience
from services.errors import Forbidden

ADMIN_AND_COORDINATOR = Actor(1, frozenset({(Role.ADMIN, None), (Role.COORDINATOR, 5)}))
COORDINATOR = Actor(2, frozenset({(Role.COORDINATOR, 5), (Role.COORDINATOR, 6)}))
TEACHER = Actor(3, frozenset({(Role.TEACHER, 5)}))


def test_the_admin_reaches_every_organisation_unless_acting_as_a_coordinator() -> None:
    assert ADMIN_AND_COORDINATOR.org_scope() is None
    assert ADMIN_AND_COORDINATOR.org_scope(Role.ADMIN) is None
    assert ADMIN_AND_COORDINATOR.org_scope(Role.COORDINATOR) == {5}
    assert ADMIN_AND_COORDINATOR.sees_org(99)
    assert not ADMIN_AND_COORDINATOR.sees_org(99, Role.COORDINATOR)
    assert COORDINATOR.org_scope() == {5, 6}
    assert COORDINATOR.sees_org(6)
    assert not COORDINATOR.sees_org(7)
    assert TEACHER.org_scope() == frozenset()


def test_import_broadcasts_and_reports_share_the_reach() -> None:
    assert imports.importable_orgs(ADMIN_AND_COORDINATOR) is None
    assert imports.importable_orgs(COORDINATOR) == {5, 6}
    with pytest.raises(Forbidden, match="error-import-staff-only"):
        imports.importable_orgs(TEACHER)

    network = Audience(None, frozenset({Role.TEACHER}))
    check_audience(ADMIN_AND_COORDINATOR, network)
    with pytest.raises(Forbidden):
        check_audience(COORDINATOR, network)
    check_audience(COORDINATOR, Audience(6, frozenset({Role.STUDENT})))
    with pytest.raises(Forbidden):
        check_audience(COORDINATOR, Audience(7, frozenset({Role.STUDENT})))

    as_admin = reports.scope_of(ADMIN_AND_COORDINATOR, Role.ADMIN)
    as_coordinator = reports.scope_of(ADMIN_AND_COORDINATOR, Role.COORDINATOR)
    assert as_admin.everything
    assert not as_coordinator.everything
    assert as_coordinator.org_ids == {5}
    assert not reports.scope_of(TEACHER, Role.TEACHER).everything
