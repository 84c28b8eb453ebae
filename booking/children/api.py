"""The JSON API's children (docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..centres.bands import age_in_months
from ..clock import today
from . import privacy, services
from .schemas import AccountDeleteIn, ChildIn, ChildOut


def child_out(child) -> ChildOut:
    return ChildOut(id=child.id, name=child.name, birth_date=child.birth_date,
                    age_months=age_in_months(child.birth_date, today()),
                    older_siblings=child.older_siblings)


@endpoint("/children", "POST", summary="Register a child", tags=["children"],
          permission="child.manage", body=ChildIn, response=ChildOut, status=201, idempotent=True)
def create_child(body: ChildIn):
    child = services.add_child(g.api_user, name=body.name, birth_date=body.birth_date,
                               twin_of=body.twin_of, older_siblings=body.older_siblings)
    return child_out(child)


@endpoint("/children", summary="The parent's own children", tags=["children"],
          permission="child.manage", response=list[ChildOut])
def list_children():
    return [child_out(c) for c in services.children_of(g.api_user)]


@endpoint("/me/export", summary="Everything the platform holds about the parent and their "
          "children (PIPL art. 45; docs/privacy.md)", tags=["accounts"],
          permission="privacy.self")
def export_my_data():
    return privacy.export_family(g.api_user)


@endpoint("/me/delete", "POST", summary="Delete the parent's account: anonymise it and the "
          "children no other guardian keeps (PIPL art. 47; docs/privacy.md)", tags=["accounts"],
          permission="privacy.self", body=AccountDeleteIn, errors=(409, 422))
def delete_my_account(body: AccountDeleteIn):
    privacy.delete_account(g.api_user, body.password)
    return {"deleted": True}
