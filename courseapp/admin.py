from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import COURSE_SETTINGS_FIELDSETS
from .models import (
    Course,
    Criterion,
    Extension,
    LinkCheckRun,
    LinkResult,
    Listing,
    Meeting,
    Membership,
    OneOnOneTime,
    Reading,
    ReadingImport,
    Release,
    Rubric,
    Score,
    ScoreChange,
    Section,
    SentMail,
    Signup,
    SlideUpload,
    Slot,
    Timing,
    User,
)
from .services.grading import rubrics_create


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "can_create_courses", "last_login"]
    list_filter = [*BaseUserAdmin.list_filter, "can_create_courses"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        ("Courses", {"fields": ["can_create_courses"], "description": "Used when COURSE_CREATORS is “granted”."}),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "course"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "requested_at", "decided_at"]
    readonly_fields = ["requested_at", "decided_at"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "term", "slug", "term_starts_on", "term_ends_on", "time_zone"]
    search_fields = ["title", "slug", "term"]
    prepopulated_fields = {"slug": ["title", "term"]}
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["slug"]}),
        # The settings page's groups: django-stubs wants each options dict typed where it is written.
        *((title, {"fields": names}) for title, names in COURSE_SETTINGS_FIELDSETS),  # type: ignore[list-item]
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a course has its rubrics from its creation
            rubrics_create(obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "role", "course"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "course__slug"]
    list_select_related = ["user", "course"]
    autocomplete_fields = ["user", "decided_by"]


class ListingInline(admin.TabularInline):
    model = Listing
    extra = 0
    autocomplete_fields = ["reading"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "parent", "course", "position"]
    list_filter = ["course"]
    search_fields = ["title"]
    list_select_related = ["parent", "course"]
    inlines = [ListingInline]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "course", "arxiv_id", "year", "venue"]
    list_filter = ["kind", "course"]
    search_fields = ["title", "authors", "arxiv_id", "doi", "url"]
    list_select_related = ["course"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["reading", "section", "position"]
    list_filter = ["section__course"]
    search_fields = ["reading__title", "section__title", "annotation"]
    list_select_related = ["reading", "section"]
    autocomplete_fields = ["reading", "section"]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    autocomplete_fields = ["reading"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "topic", "course"]
    list_filter = ["kind", "course"]
    search_fields = ["topic", "notes"]
    date_hierarchy = "date"
    inlines = [SlotInline]


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "meeting", "position"]
    list_filter = ["kind", "meeting__course"]
    search_fields = ["title", "reading__title"]
    list_select_related = ["reading", "meeting"]
    autocomplete_fields = ["reading"]
    inlines = [SignupInline]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["student", "role", "seat", "slot", "created_at"]
    list_filter = ["role", "slot__meeting__course"]
    search_fields = ["student__username", "student__email", "slot__reading__title"]
    list_select_related = ["student", "slot__reading", "slot__meeting"]
    autocomplete_fields = ["student", "slot"]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    """For the record: extensions are granted and withdrawn on the course's pages, which re-judge late work."""

    list_display = ["student", "course", "scope", "until", "extra", "granted_by", "granted_at", "revoked_at"]
    list_filter = ["course", "scope"]
    search_fields = ["student__username", "student__email", "reason"]
    readonly_fields = [field.name for field in Extension._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReadingImport)
class ReadingImportAdmin(admin.ModelAdmin):
    """Imports are a record of what was uploaded and what it did: read them here, change them nowhere."""

    list_display = ["course", "format", "mode", "filename", "created_by", "created_at", "applied_at"]
    list_filter = ["course", "format", "mode"]
    list_select_related = ["course", "created_by"]
    readonly_fields = [field.name for field in ReadingImport._meta.fields]

    def has_add_permission(self, request):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["component", "course"]
    list_filter = ["course"]
    inlines = [CriterionInline]


class ScoreChangeInline(admin.TabularInline):
    model = ScoreChange
    extra = 0
    readonly_fields = ["changed_by", "changed_at", "old_points", "new_points", "old_comment", "new_comment"]
    can_delete = False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Scores are changed on the grading screens, where every change is recorded; here they are read."""

    list_display = ["student", "criterion", "points", "review", "slot", "graded_by", "updated_at"]
    list_filter = ["criterion__rubric__course", "criterion__rubric__component"]
    search_fields = ["student__username", "student__email", "criterion__name"]
    list_select_related = ["student", "criterion", "review__reading", "slot__reading", "graded_by"]
    readonly_fields = [field.name for field in Score._meta.fields]
    inlines = [ScoreChangeInline]

    def has_add_permission(self, request):
        return False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["course", "component", "released_at", "released_by"]
    list_filter = ["course"]


@admin.register(OneOnOneTime)
class OneOnOneTimeAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "minutes", "course", "slot", "booked_by"]
    list_filter = ["course"]
    list_select_related = ["course", "slot__reading", "booked_by"]
    autocomplete_fields = ["slot"]


@admin.register(SlideUpload)
class SlideUploadAdmin(admin.ModelAdmin):
    """Slides are private files with no URL: they are downloaded from the presentation page, not here."""

    list_display = ["original_name", "stage", "slot", "uploaded_by", "uploaded_at", "is_late"]
    list_filter = ["stage", "slot__meeting__course"]
    list_select_related = ["slot__reading", "uploaded_by"]
    exclude = ["file"]
    readonly_fields = ["slot", "stage", "original_name", "size", "uploaded_by", "uploaded_at", "is_late"]


@admin.register(Timing)
class TimingAdmin(admin.ModelAdmin):
    list_display = ["slot", "talk_started_at", "talk_ended_at", "discussion_started_at", "discussion_ended_at"]
    list_select_related = ["slot__reading"]


@admin.register(LinkCheckRun)
class LinkCheckRunAdmin(admin.ModelAdmin):
    """Runs are started from the course's link check page; here they can be read, or a stuck one removed."""

    list_display = ["course", "trigger", "total", "created_at", "started_at", "finished_at"]
    list_filter = ["course", "trigger"]
    readonly_fields = ["course", "started_by", "trigger", "total", "created_at", "started_at", "finished_at", "summary"]


@admin.register(LinkResult)
class LinkResultAdmin(admin.ModelAdmin):
    list_display = ["url", "status", "http_status", "reading", "checked_at"]
    list_filter = ["status", "run__course"]
    list_select_related = ["reading"]
    search_fields = ["url", "reading__title"]
    readonly_fields = [field.name for field in LinkResult._meta.fields]


@admin.register(SentMail)
class SentMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "kind", "course", "sent_at"]
    list_filter = ["kind", "course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["course", "user", "kind", "key", "subject", "sent_at"]
