"""The QR code on a contact card: scanning it offers to add the grid leader to the phone's contacts."""

import segno
from django.utils.translation import gettext as _
from segno import helpers


def vcard(leader, household):
    """A vCard 3.0 of the grid leader: family name first (N:郑;章木), the mobile, the grid and the post."""
    return helpers.make_vcard_data(
        name=f"{leader.name[:1]};{leader.name[1:]}",
        displayname=leader.name,
        cellphone=leader.phone,
        org=f"{household.village.name}{household.grid.name}",
        title=_("Grid leader"),
    )


def vcard_uri(leader, household):
    """The QR code as a PNG data URI, 8 pixels a module (over 500 dpi at 20 mm): a picture the PDF
    holds once however many cards show it (drawn as vectors, 300 codes take seconds to lay out)."""
    code = segno.make(vcard(leader, household), error="m", micro=False)
    return code.png_data_uri(scale=8, border=2)
