"""Registry forms. Every choice of a place or a person is narrowed to the user's jurisdiction."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import identity
from .images import MAP_SIDE, PhotoField
from .jurisdiction import Action
from .models import Cadre, Grid, Household, Place, Post, Resident, Village, VillagerGroup
from .selectors import RESPONSIBLE_ROLES, cadres_posted_in_villages, visible_categories, with_current_posts

User = get_user_model()


class NarrowedChoicesMixin:
    """Narrow every model choice whose model is scoped to what `user` may `choice_action`."""

    choice_action = Action.EDIT

    def narrow_choices(self, user):
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = queryset.for_user(user, self.choice_action)


class CadreChoiceField(forms.ModelChoiceField):
    """A cadre named with their current posts: the village has several 郑 and two grids."""

    def __init__(self, *args, **kwargs):
        super().__init__(Cadre.objects.none(), *args, **kwargs)

    def label_from_instance(self, cadre):
        posts = "、".join(f"{post.get_role_display()} {post.node_label}" for post in cadre.current_posts)
        return f"{cadre.name} · {posts}" if posts else cadre.name


class HouseholdForm(NarrowedChoicesMixin, forms.ModelForm):
    responsible_cadre = CadreChoiceField(label=_("responsible cadre"), required=False)
    contact_representative = CadreChoiceField(label=_("contact villager representative"), required=False)

    class Meta:
        model = Household
        fields = [
            "group",
            "head_name",
            "address",
            "phone",
            "residence",
            "responsible_cadre",
            "contact_representative",
            "categories",
            "notes",
        ]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "head_name": forms.TextInput(attrs={"autofocus": True}),
        }
        help_texts = {
            "notes": _(
                "Seen by the cadres who may edit this household. Record no sensitive matters here: "
                "use the care categories."
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_choices(user)
        household = self.instance
        self.fields["group"].queryset = self.fields["group"].queryset.select_related("village")
        self.fields["categories"].queryset = visible_categories(user, household if household.pk else None)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        # Only the cadres of the villages this household can be in, not the whole township; the
        # ones already recorded stay on offer even if their post has since ended.
        villages = [household.village_id] if household.pk else self.fields["group"].queryset.values("village")
        for name, roles in (
            ("responsible_cadre", RESPONSIBLE_ROLES),
            ("contact_representative", {Post.Role.REPRESENTATIVE}),
        ):
            offered = cadres_posted_in_villages(villages, roles).values("pk")
            recorded = [getattr(household, f"{name}_id")] if household.pk else []
            cadres = Cadre.objects.for_user(user).filter(Q(pk__in=offered) | Q(pk__in=recorded))
            self.fields[name].queryset = with_current_posts(cadres.order_by("name_pinyin"))
        if household.pk:
            # Moving to another group is its own action, so the move is kept as history.
            del self.fields["group"]
            if household.residents.filter(relation=Resident.Relation.HEAD).exists():
                self.fields["head_name"].disabled = True
                self.fields["head_name"].help_text = _("Follows the name of the resident who is head of household.")

    def clean_phone(self):
        return identity.normalize_mobile(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group") or (self.instance.group if self.instance.pk else None)
        if group is None:
            return cleaned
        checks = (
            (
                "responsible_cadre",
                RESPONSIBLE_ROLES,
                _("The responsible cadre must hold a post in this household's village."),
            ),
            (
                "contact_representative",
                {Post.Role.REPRESENTATIVE},
                _("The contact representative must represent a group of this village."),
            ),
        )
        for name, roles, message in checks:
            cadre = cleaned.get(name)
            unchanged = cadre is not None and self.instance.pk and cadre.pk == getattr(self.instance, f"{name}_id")
            if (
                cadre
                and not unchanged
                and not cadres_posted_in_villages([group.village_id], roles).filter(pk=cadre.pk).exists()
            ):
                self.add_error(name, message)
        return cleaned


class MoveHouseholdForm(NarrowedChoicesMixin, forms.Form):
    to_group = forms.ModelChoiceField(
        label=_("Move to villager group"), queryset=VillagerGroup.objects.select_related("village")
    )
    moved_on = forms.DateField(label=_("Moved on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, user, household, **kwargs):
        kwargs.setdefault("initial", {"moved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.narrow_choices(user)
        self.fields["to_group"].queryset = self.fields["to_group"].queryset.exclude(pk=household.group_id)


class ResidentForm(forms.ModelForm):
    """A resident. On an existing record the ID number is never shown: typing a new one replaces it."""

    # Longer than 18 so a number typed in groups ("350521 19850615 123X") reaches clean_id_number.
    id_number = forms.CharField(label=_("Resident ID number"), max_length=40)

    class Meta:
        model = Resident
        fields = ["name", "id_number", "phone", "relation", "status", "categories"]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "name": forms.TextInput(attrs={"autofocus": True}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args, user, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        self.fields["categories"].queryset = visible_categories(user, household)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        if self.instance.pk:
            self.initial["id_number"] = ""
            self.fields["id_number"].required = False
            self.fields["id_number"].label = _("New resident ID number")
            self.fields["id_number"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.masked_id_number
            }

    def clean_id_number(self):
        value = identity.normalize_id_number(self.cleaned_data.get("id_number") or "")
        if not value and self.instance.pk:
            return Resident.objects.values_list("id_number", flat=True).get(pk=self.instance.pk)
        if Resident.objects.filter(id_number=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A resident with this ID number is already registered."), code="unique")
        return value

    def clean_relation(self):
        relation = self.cleaned_data["relation"]
        heads = Resident.objects.filter(household=self.instance.household, relation=Resident.Relation.HEAD)
        if relation == Resident.Relation.HEAD and heads.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This household already has a head."), code="unique")
        return relation

    def clean_phone(self):
        return identity.normalize_mobile(self.cleaned_data["phone"])


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        min_length=4,
        max_length=200,
        help_text=_("Your name, the time and this reason are recorded."),
    )


class CadreForm(forms.ModelForm):
    photo = PhotoField(label=_("Photo"), required=False)

    class Meta:
        model = Cadre
        fields = ["name", "phone", "photo", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 4})}

    def clean_phone(self):
        return identity.normalize_mobile(self.cleaned_data["phone"])


class CadreCreateForm(NarrowedChoicesMixin, CadreForm):
    """A new cadre, with a login when a user name is given."""

    choice_action = Action.MANAGE
    username = forms.CharField(
        label=_("User name for signing in"),
        required=False,
        max_length=150,
        help_text=_("Leave empty for someone who will not sign in (a volunteer, say)."),
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta(CadreForm.Meta):
        fields = ["township", "name", "phone", "photo", "duties"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_choices(user)
        townships = self.fields["township"].queryset
        if townships.count() == 1:
            self.fields["township"].initial = townships.first()
            self.fields["township"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and not password:
            self.add_error("password", _("Give an initial password for the new login."))
        if username and password:
            candidate = User(username=username, first_name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PostForm(NarrowedChoicesMixin, forms.ModelForm):
    """A post for a cadre: the role, and the one place it is posted to."""

    choice_action = Action.MANAGE

    class Meta:
        model = Post
        fields = ["role", "village", "grid", "group", "first_group", "last_group", "department", "started_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cadre = cadre
        self.instance.township = cadre.township
        self.narrow_choices(user)
        for name in ("village", "grid", "group"):
            self.fields[name].queryset = self.fields[name].queryset.filter(**_in_township(name, cadre.township_id))
        self.fields["grid"].queryset = self.fields["grid"].queryset.select_related("village")
        self.fields["group"].queryset = self.fields["group"].queryset.select_related("village")
        self.fields["village"].help_text = _("For village cadres and resident township cadres.")
        self.fields["grid"].help_text = _("For grid leaders, grid members and volunteers.")
        self.fields["group"].help_text = _("For villager representatives.")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        keep = {
            **dict.fromkeys(Post.TOWNSHIP_ROLES, {"department"}),
            **dict.fromkeys(Post.VILLAGE_ROLES, {"village", "first_group", "last_group"}),
            **dict.fromkeys(Post.GRID_ROLES, {"grid"}),
            **dict.fromkeys(Post.GROUP_ROLES, {"group"}),
        }.get(role, set())
        for name in ("village", "grid", "group", "first_group", "last_group", "department"):
            if name not in keep:
                cleaned[name] = None if name != "department" else ""
                setattr(self.instance, name, cleaned[name])
        if (cleaned.get("first_group") is None) != (cleaned.get("last_group") is None):
            self.add_error("last_group", _("Give both ends of the group range, or neither."))
        return cleaned


def _in_township(field_name, township_id):
    return {"village": {"township_id": township_id}}.get(field_name, {"village__township_id": township_id})


class EndPostForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["kind", "name", "address", "contact_name", "contact_phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "name": forms.TextInput(attrs={"autofocus": True})}


class VillageForm(forms.ModelForm):
    class Meta:
        model = Village
        fields = ["name"]
        widgets = {"name": forms.TextInput(attrs={"autofocus": True})}


class GridForm(forms.ModelForm):
    map = PhotoField(
        label=_("Grid map"), required=False, max_side=MAP_SIDE, help_text=Grid._meta.get_field("map").help_text
    )

    class Meta:
        model = Grid
        fields = ["number", "name", "description", "map", "village_cadre"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The responsible village cadre is one of the village's own cadres (its two committees).
        self.fields["village_cadre"].queryset = cadres_posted_in_villages(
            [self.instance.village_id], Post.VILLAGE_ROLES - {Post.Role.RESIDENT_CADRE, Post.Role.AREA_CHIEF}
        )


class GroupForm(forms.ModelForm):
    """A villager group; choosing another grid of the village re-grids it, households and all."""

    class Meta:
        model = VillagerGroup
        fields = ["number", "name", "grid"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.for_user(user, Action.MANAGE).filter(village=self.instance.village)
        if self.instance.pk:
            # A resident cadre's post covers groups by number: renumbering would move the group
            # into or out of someone's jurisdiction without a trace.
            self.fields["number"].disabled = True
        self.fields["grid"].label_from_instance = lambda grid: grid.name
        self.fields["grid"].help_text = _("Choosing another grid moves the group's households to it.")
