"""The reading list: finding readings, importing and exporting a list, and the staff's curation."""

import functools

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..caching import drawn_from
from ..forms import ReadingForm, ReadingListImportForm
from ..models import Course, LinkResult, Listing, Meeting, Reading, ReadingImport, Review, Section, Slot
from ..params import int_list, int_param
from ..permissions import Perm, course_view
from ..readinglists.bibtex import export_bibtex
from ..readinglists.markdown import export_markdown
from ..readinglists.parsed import ParsedList, ParsedReading, ParsedSection
from ..readinglists.references import export_csl_json, export_ris
from ..selectors import FIRST_OF_SECTION, ReadingFilters, reading_list, section_tree
from ..services import ServiceError
from ..services import readings as service
from .rendering import answer, redirect_with_message, render_page

LIST = "courseapp/readings/list.html"
EDIT = "courseapp/readings/edit.html"
IMPORT = "courseapp/readings/import.html"


def list_context(request, course, filters: ReadingFilters | None = None) -> dict:
    """The list's context; its readings are read only if the page's cached copy is out of date."""
    filters = filters or ReadingFilters()
    viewer = request.user if request.access.can(Perm.WRITE_REVIEWS) else None
    # What the list shows: its sections, readings, link checks, dates on the schedule and the viewer's reviews.
    drawn = (Course, Section, Listing, Reading, LinkResult, Meeting, Slot, Review)
    return {
        "course": course,
        "access": request.access,
        "fragment": drawn_from(*drawn, per=f"{request.access.role}:{viewer.pk if viewer else ''}"),
        "filters": filters,
        "results": SimpleLazyObject(lambda: reading_list(course, filters, viewer=viewer)),
        "first_of_section": FIRST_OF_SECTION,
        "kinds": Reading.Kind.choices,
        "mine_choices": ReadingFilters.MINE.items(),
    }


@require_safe
@course_view(Perm.VIEW_COURSE)
def reading_list_page(request, course):
    """The reading list by section; search as you type and filters narrow it (htmx swaps the results)."""
    context = list_context(request, course, ReadingFilters.from_query(request.GET))
    return render_page(request, LIST, context, partial="results")


# Import ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_READINGS)
def reading_import(request, course):
    """Upload or paste a reading list; a preview follows, and nothing changes before it is confirmed."""
    form = ReadingListImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = form.submit(
            functools.partial(
                service.reading_import_create,
                course=course,
                by=request.user,
                format=form.cleaned_data["format"],
                mode=form.cleaned_data["mode"],
                section_title=form.cleaned_data["section_title"].strip(),
                by_keywords=form.cleaned_data["by_keywords"],
            ),
            limit=settings.READING_LIST_MAX_BYTES,
        )
        if pending is not None:
            return redirect("courseapp:reading_import_preview", course.slug, pending.pk)
    status = 400 if form.errors else 200
    context = {"course": course, "access": request.access, "form": form, "max_bytes": settings.READING_LIST_MAX_BYTES}
    return render(request, IMPORT, context, status=status)


@require_safe
@course_view(Perm.MANAGE_READINGS)
def reading_import_preview(request, course, import_id: int):
    """What the import will create, update, keep and remove, before anything is written."""
    pending = get_object_or_404(ReadingImport, pk=import_id, course=course)
    if pending.applied_at:
        messages.info(request, service.ALREADY_APPLIED)
        return redirect("courseapp:reading_list", course.slug)
    try:
        plan = service.reading_import_preview(reading_import=pending)
    except ServiceError as error:  # the list changed its mind since the upload; say so, on the form
        messages.error(request, error.message)
        return redirect("courseapp:reading_import", course.slug)
    context = {"course": course, "access": request.access, "pending": pending, "plan": plan}
    return render(request, "courseapp/readings/preview.html", context)


@require_POST
@course_view(Perm.MANAGE_READINGS)
def reading_import_confirm(request, course, import_id: int):
    """Carry out a previewed import in one transaction."""
    get_object_or_404(ReadingImport, pk=import_id, course=course)
    try:
        choice = request.POST.get("choice")
        take = (
            service.TAKE_ALL
            if choice == "take_all"
            else ()
            if choice == "keep_all"
            else set(int_list(request.POST, "take"))
        )
        plan = service.reading_import_apply(reading_import_id=import_id, course=course, take=take)
    except ServiceError as error:
        if request.htmx:
            return HttpResponse(error.message, status=409)
        messages.error(request, error.message)
        return redirect("courseapp:reading_list", course.slug)
    counts = plan.summary()
    messages.success(
        request,
        f"Imported: {counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
        + (f", {counts['removed']} removed, {counts['kept']} kept" if plan.mode == ReadingImport.Mode.REPLACE else "")
        + ".",
    )
    return redirect("courseapp:reading_list", course.slug)


# Export ---------------------------------------------------------------------------------------


def _as_parsed(course) -> tuple[ParsedList, list[Reading]]:
    """The course's list as the parsers' plain data, and its readings in order with their first note."""
    nodes = reading_list(course).nodes
    by_id: dict[int | None, ParsedSection] = {
        node.section.pk: ParsedSection(node.section.title, node.depth + 1, questions=node.section.questions)
        for node in nodes
    }
    roots: list[ParsedSection] = []
    readings, seen = [], {}
    for node in nodes:
        parsed = by_id[node.section.pk]
        parent = by_id.get(node.section.parent_id)
        (parent.children if parent else roots).append(parsed)
        for listing in node.listings:
            reading = listing.reading
            fields = {field: getattr(reading, field) for field in service.READING_FIELDS}
            parsed.readings.append(ParsedReading(annotation=listing.annotation, **fields))
            if reading.pk not in seen:
                reading.annotation, reading.section_titles = listing.annotation, []
                seen[reading.pk] = reading
                readings.append(reading)
            seen[reading.pk].section_titles.append(node.section.title)
    return ParsedList(title=f"{course.title}: reading list", sections=roots, warnings=[]), readings


@require_safe
@course_view(Perm.VIEW_COURSE)
def reading_export(request, course, format: str):
    """The whole list as Markdown (sections, notes, self-check questions), BibTeX, RIS or CSL-JSON, as a download."""
    parsed, readings = _as_parsed(course)
    if format == "md":
        body, content_type = export_markdown(parsed), "text/markdown; charset=utf-8"
    elif format == "bib":
        body, content_type = export_bibtex(readings), "application/x-bibtex; charset=utf-8"
    elif format == "ris":
        body, content_type = export_ris(readings), "application/x-research-info-systems; charset=utf-8"
    elif format == "json":
        body, content_type = export_csl_json(readings), "application/vnd.citationstyles.csl+json; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-readings.{format}"'
    return response


# Curation -------------------------------------------------------------------------------------


def _listing(course, listing_id: int) -> Listing:
    return get_object_or_404(
        Listing.objects.select_related("reading", "section"), pk=listing_id, section__course=course
    )


def _row(request, course, listing_id: int, *, status: int = 200, **extra):
    """One reading's row of the list, with its badges, as the list draws it."""
    viewer = request.user if request.access.can(Perm.WRITE_REVIEWS) else None
    found = [
        item for node in reading_list(course, viewer=viewer, listing_id=listing_id).nodes for item in node.listings
    ]
    if not found:
        raise Http404
    context = {"course": course, "access": request.access, "listing": found[0], "reading": found[0].reading}
    return render(request, f"{LIST}#reading_item", context | extra, status=status)


def _editor(request, course, listing, *, form=None, error=None, status=200):
    context = {
        "course": course,
        "access": request.access,
        "listing": listing,
        "form": form or ReadingForm(instance=listing.reading, initial={"annotation": listing.annotation}),
        "sections": section_tree(course),
        "error": error,
    }
    template = f"{EDIT}#editor" if request.htmx else EDIT
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_READINGS)
def listing_edit(request, course, listing_id: int):
    """Correct a reading in place: its details, kind, link, and its note in this section."""
    listing = _listing(course, listing_id)
    if request.method != "POST":
        return _editor(request, course, listing)
    form = ReadingForm(request.POST, instance=Reading.objects.get(pk=listing.reading_id))
    if not form.is_valid():
        return _editor(request, course, listing, form=form, error="Not saved: see the form.", status=400)
    values = {field: form.cleaned_data[field] for field in service.READING_FIELDS}
    try:
        service.reading_update(
            course=course, listing_id=listing.pk, values=values, annotation=form.cleaned_data["annotation"]
        )
    except ServiceError as error:
        return _editor(request, course, listing, form=form, error=error.message, status=409)
    if not request.htmx:
        return redirect_with_message(request, "courseapp:reading_list", course.slug, done="Saved.", error=None)
    return _row(request, course, listing.pk, done="Saved.")


@require_safe
@course_view(Perm.MANAGE_READINGS)
def listing_row(request, course, listing_id: int):
    """A reading's row, as the list shows it (what "Cancel" goes back to)."""
    return _row(request, course, listing_id)


def _list_answer(request, course, call):
    """After a change that moves rows: the list's results for htmx, the page with a message otherwise."""

    def show(*, done, error, status):
        context = list_context(request, course) | {"done": done, "error": error}
        return render(request, f"{LIST}#results", context, status=status)

    return answer(request, call, back=reverse("courseapp:reading_list", args=[course.slug]), show=show)


@require_POST
@course_view(Perm.MANAGE_READINGS)
def listing_move(request, course, listing_id: int):
    """Move a reading up or down its section, or to the end of another section."""
    listing = _listing(course, listing_id)
    direction, section = request.POST.get("direction"), int_param(request.POST, "section")
    if direction not in ("up", "down") and section is None:
        return HttpResponseBadRequest("direction must be up or down, or section an id")

    def call():
        if direction in ("up", "down"):
            service.listing_reorder(course=course, listing_id=listing.pk, direction=direction)
            return None
        try:
            moved = service.listing_move(course=course, listing_id=listing.pk, section_id=section)
        except Section.DoesNotExist:
            raise Http404 from None
        return f"Moved “{listing.reading.title}” to “{moved.section.title}”."

    return _list_answer(request, course, call)


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_READINGS)
def reading_merge(request, course, listing_id: int):
    """Merge a duplicate into another reading: search for the one that stays, then merge."""
    listing = _listing(course, listing_id)
    if request.method != "POST":
        filters = ReadingFilters.from_query(request.GET)
        candidates = []
        if filters.q:
            matching = filters.matching(None, through_listing=False)
            candidates = course.readings.filter(matching).exclude(pk=listing.reading_id).order_by("title")[:10]
        context = {"course": course, "listing": listing, "candidates": candidates, "query": filters.q}
        return render(request, f"{EDIT}#merge_candidates", context)

    def call():
        try:
            survivor = service.reading_merge(
                course=course, reading_id=listing.reading_id, into_id=request.POST.get("into", 0)
            )
        except (Reading.DoesNotExist, ValueError):
            raise Http404 from None
        return f"Merged “{listing.reading.title}” into “{survivor.title}”."

    return _list_answer(request, course, call)


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_READINGS)
def reading_delete(request, course, listing_id: int):
    """Delete a reading after a confirmation; refused while it is scheduled or reviewed."""
    listing = _listing(course, listing_id)
    if request.method != "POST":
        return _row(request, course, listing.pk, confirm_delete=True)

    def delete() -> str:
        service.reading_delete(course=course, reading_id=listing.reading_id)
        return f"Deleted “{listing.reading.title}”."

    def show(*, done: str | None, error: str | None, status: int) -> HttpResponse:
        if error:
            return _row(request, course, listing.pk, error=error, status=status)
        return render(request, f"{LIST}#removed_item", {"done": done})

    return answer(request, delete, back=reverse("courseapp:reading_list", args=[course.slug]), show=show)
