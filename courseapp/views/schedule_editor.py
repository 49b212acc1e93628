"""The staff's schedule editor: one page, every change an htmx post answered with the meeting it changed."""

import functools

from django.db.models import Case, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import dates
from ..caching import drawn_from_any, forms_of_session
from ..forms import MeetingForm
from ..models import Meeting, Reading, Signup, Slot, User
from ..params import int_param
from ..permissions import Perm, course_view
from ..selectors import course_students, schedule, schedule_warnings
from ..services import ServiceError
from ..services import schedule as editor
from ..services import signups as seats
from .rendering import redirect_with_message

PAGE = "courseapp/schedule/edit.html"


def editor_context(request, course, *, bound: MeetingForm | None = None, **extra) -> dict:
    def board() -> dict:
        meetings = schedule(course)
        for meeting in meetings:  # a meeting's form loads when opened, unless it came back with errors
            meeting.form = bound if bound is not None and bound.instance.pk == meeting.pk else None
        return {
            "meetings": meetings,
            # Every slot's "move to" menu lists the meetings: their dates formatted once, not once a slot.
            "meeting_days": [(meeting.pk, dates.show(meeting.date, "day")) for meeting in meetings],
            "warnings": schedule_warnings(course, meetings),
        }

    context = {
        "course": course,
        "access": request.access,
        "new_form": bound if bound is not None and bound.instance.pk is None else MeetingForm(prefix="new"),
        "slot_kinds": Slot.Kind.choices,
        **extra,
    }
    session = forms_of_session(request)
    if bound is None and not extra and session:
        # The editor as it stands, kept for this session (its forms carry the session's CSRF token) until
        # the schedule changes; read only when it has.
        built = functools.cache(board)

        def part(key: str) -> SimpleLazyObject:
            return SimpleLazyObject(lambda: built()[key])

        lazily = {key: part(key) for key in ("meetings", "meeting_days", "warnings")}
        return context | lazily | {"fragment": drawn_from_any(per=session)}
    return context | board()


def editor_update(
    request, course, *, meeting_id=None, whole=False, done=None, error=None, status=None, **extra
) -> HttpResponse:
    """Answer an editor action where it happened, so the page stays where the user is.

    htmx gets the changed meeting's card with the message in it (the warnings go out of band);
    a change beyond one card (``whole``: a new or removed meeting, a slot moved to another
    meeting, or a question to confirm) gets the editor, scrolled to the meeting concerned.
    Without JavaScript: a redirect to the editor at that meeting, with the message.
    """
    if not request.htmx and status is None:
        anchor = f"edit-meeting-{meeting_id}" if meeting_id else None
        return redirect_with_message(
            request, "courseapp:schedule_edit", course.slug, done=done, error=error, anchor=anchor
        )
    context = editor_context(request, course, done=done, error=error, flash_meeting=meeting_id, **extra)
    status = status or (409 if error else 200)
    confirm = extra.get("confirm")
    meeting = next((m for m in context["meetings"] if m.pk == meeting_id), None)
    if request.htmx and meeting is not None and not (whole or confirm):
        html = render_to_string(f"{PAGE}#meeting_card", {**context, "meeting": meeting}, request)
        html += render_to_string(f"{PAGE}#warnings", {**context, "oob": True}, request)
        return retarget(reswap(HttpResponse(html, status=status), "outerHTML"), f"#edit-meeting-{meeting.pk}")
    response = render(request, f"{PAGE}#editor" if request.htmx else PAGE, context, status=status)
    if request.htmx:
        where = f"#edit-meeting-{meeting.pk}" if meeting is not None and not confirm else "#editor"
        retarget(response, "#editor")["HX-Reswap"] = f"outerHTML show:{where}:top"  # a swap with a modifier
    return response


def confirm_first(request, course, slots, question: str):
    """Name the students a change would affect and ask again; None once confirmed or nobody is affected."""
    if request.POST.get("confirm") == "yes":
        return None
    affected = editor.students_affected(slots)
    if not affected:
        return None
    data = [(key, value) for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", "confirm")]
    confirm = {"question": question, "affected": affected, "url": request.path, "data": data}
    return editor_update(request, course, confirm=confirm, status=200)


@require_safe
@course_view(Perm.MANAGE_SCHEDULE)
def schedule_edit(request, course):
    """Build the term: meetings, the papers in their slots, and anyone's seats."""
    return render(request, PAGE, editor_context(request, course))


@require_safe
@course_view(Perm.MANAGE_SCHEDULE)
def slot_seats(request, course, slot_id: int):
    """One slot's seat forms (assign, move, remove), loaded into the editor when asked; a page without htmx."""
    slot = get_object_or_404(
        Slot.objects.select_related("meeting", "reading").prefetch_related(
            Prefetch("signups", queryset=Signup.objects.select_related("student").order_by("role", "seat"))
        ),
        pk=slot_id,
        meeting__course=course,
    )
    paper_slots = Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER).select_related("meeting", "reading")
    context = {
        "course": course,
        "access": request.access,
        "slot": slot,
        "students": list(course_students(course)),
        "paper_slots": paper_slots.order_by("meeting__date", "position"),
    }
    return render(request, f"{PAGE}#seat_editor" if request.htmx else SEATS_PAGE, context)


SEATS_PAGE = "courseapp/schedule/seats.html"
MEETING_PAGE = "courseapp/schedule/meeting.html"


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def meeting_create(request, course):
    """Add a meeting (its form is always in the editor)."""
    return _meeting_save(request, course, Meeting(course=course), prefix="new")


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.MANAGE_SCHEDULE)
def meeting_update(request, course, meeting_id: int):
    """Change a meeting's date, kind, topic, hours or notes. GET: its form, loaded into the editor when
    opened, or a page of its own without JavaScript."""
    meeting = get_object_or_404(Meeting, pk=meeting_id, course=course)
    if request.method == "POST":
        return _meeting_save(request, course, meeting, prefix=f"m{meeting.pk}")
    context = {"course": course, "access": request.access, "meeting": meeting,
               "form": MeetingForm(instance=meeting, prefix=f"m{meeting.pk}")}  # fmt: skip
    return render(request, f"{PAGE}#meeting_form" if request.htmx else MEETING_PAGE, context)


def _meeting_save(request, course, meeting: Meeting, *, prefix: str):
    form = MeetingForm(request.POST, instance=meeting, prefix=prefix)
    new = meeting.pk is None
    if not form.is_valid():
        return editor_update(
            request,
            course,
            meeting_id=meeting.pk,
            bound=form,
            error="The meeting was not saved: see the form.",
            status=400,
        )
    form.save()
    done = f"{'Added' if new else 'Saved'} the meeting of {course.day(meeting.date)}."
    return editor_update(request, course, meeting_id=meeting.pk, whole=new, done=done)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def meeting_remove(request, course, meeting_id: int):
    """Remove a meeting and its agenda, after naming the students who lose their seats."""
    meeting = get_object_or_404(Meeting, pk=meeting_id, course=course)
    question = f"Remove the meeting of {course.day(meeting.date)}? These students lose their seats and will be told:"
    if asked := confirm_first(request, course, meeting.slots.all(), question):
        return asked
    # The next meeting takes its place on the page, and says what happened.
    after = course.meetings.filter(date__gte=meeting.date).exclude(pk=meeting.pk).values_list("pk", flat=True).first()
    editor.meeting_remove(course=course, meeting_id=meeting.pk, by=request.user)
    done = f"Removed the meeting of {course.day(meeting.date)}."
    return editor_update(request, course, meeting_id=after, whole=True, done=done)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def slot_add(request, course, meeting_id: int):
    """Put a reading, or a titled agenda item, at the end of a meeting."""
    kind = request.POST.get("kind", Slot.Kind.PAPER)
    if kind not in Slot.Kind.values:
        return HttpResponseBadRequest("unknown kind")
    try:
        slot = editor.slot_add(
            course=course,
            meeting_id=meeting_id,
            reading_id=int_param(request.POST, "reading"),
            title=request.POST.get("title", ""),
            kind=kind,
        )
    except (Meeting.DoesNotExist, Reading.DoesNotExist):
        raise Http404 from None
    except ServiceError as exc:
        return editor_update(request, course, meeting_id=meeting_id, error=exc.message)
    return editor_update(request, course, meeting_id=meeting_id, done=f"Added “{slot.display_title}”.")


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def slot_update(request, course, slot_id: int):
    """Make a slot presented, instructor-led or a discussion, or move it to another meeting."""
    slot = get_object_or_404(Slot.objects.select_related("meeting"), pk=slot_id, meeting__course=course)
    kind = request.POST.get("kind", slot.kind)
    meeting_id = int_param(request.POST, "meeting", slot.meeting_id)
    if kind not in Slot.Kind.values:
        return HttpResponseBadRequest("unknown kind")
    if meeting_id != slot.meeting_id or (kind != slot.kind and kind != Slot.Kind.PAPER):
        verb = "Move" if meeting_id != slot.meeting_id else "Take the seats off"
        question = f"{verb} “{slot.display_title}”? These students are signed up and will be told:"
        if asked := confirm_first(request, course, [slot], question):
            return asked
    try:
        editor.slot_update(course=course, slot_id=slot.pk, kind=kind, meeting_id=meeting_id, by=request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        return editor_update(request, course, meeting_id=slot.meeting_id, error=exc.message)
    moved = meeting_id != slot.meeting_id  # the slot leaves one card for another: show where it went
    return editor_update(request, course, meeting_id=meeting_id, whole=moved, done=f"Updated “{slot.display_title}”.")


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def slot_reorder(request, course, slot_id: int):
    """Move a slot up or down its meeting's agenda."""
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("direction must be up or down")
    slot = get_object_or_404(Slot, pk=slot_id, meeting__course=course)
    editor.slot_reorder(course=course, slot_id=slot.pk, direction=direction)
    return editor_update(request, course, meeting_id=slot.meeting_id)


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def slot_remove(request, course, slot_id: int):
    """Take a slot off the schedule, after naming the students who lose their seats."""
    slot = get_object_or_404(Slot.objects.select_related("reading"), pk=slot_id, meeting__course=course)
    question = f"Take “{slot.display_title}” off the schedule? These students lose their seats and will be told:"
    if asked := confirm_first(request, course, [slot], question):
        return asked
    editor.slot_remove(course=course, slot_id=slot.pk, by=request.user)
    return editor_update(request, course, meeting_id=slot.meeting_id, done=f"Removed “{slot.display_title}”.")


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def seat_assign(request, course, slot_id: int):
    """Put any student in a seat, whatever the window and the per-student limits."""
    slot = get_object_or_404(Slot, pk=slot_id, meeting__course=course)
    student = User.objects.filter(pk=int_param(request.POST, "student", 0)).first()
    role = request.POST.get("role")
    if role not in Signup.Role.values:
        return HttpResponseBadRequest("role must be presenter or commentator")
    try:
        if student is None:
            raise ServiceError("Choose a student.", code="no_student")
        seats.seat_assign(course=course, slot_id=slot_id, student=student, role=role, by=request.user)
    except ServiceError as exc:
        return editor_update(request, course, meeting_id=slot.meeting_id, error=exc.message)
    return editor_update(request, course, meeting_id=slot.meeting_id, done=f"{student.display_name} is now a {role}.")


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def signup_change(request, course, signup_id: int):
    """Remove a student from a seat, or move the seat to another slot."""
    signup = get_object_or_404(
        Signup.objects.select_related("student", "slot"), pk=signup_id, slot__meeting__course=course
    )
    to_slot = int_param(request.POST, "to_slot")
    meeting_id, whole = signup.slot.meeting_id, False
    try:
        if to_slot:
            moved = seats.signup_move(course=course, signup_id=signup.pk, to_slot_id=to_slot, by=request.user)
            done = f"Moved {moved.student.display_name}."
            # Shown where the seat went; the editor is re-rendered when that is another meeting.
            whole = moved.slot.meeting_id != meeting_id
            meeting_id = moved.slot.meeting_id
        else:
            seats.signup_remove(course=course, signup_id=signup.pk, by=request.user)
            done = f"Removed {signup.student.display_name} from the seat."
    except Slot.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        return editor_update(request, course, meeting_id=meeting_id, error=exc.message)
    return editor_update(request, course, meeting_id=meeting_id, whole=whole, done=done)


@require_safe
@course_view(Perm.MANAGE_SCHEDULE)
def reading_picker(request, course):
    """Search-as-you-type over the reading list, to add a reading to a meeting."""
    meeting = get_object_or_404(Meeting, pk=int_param(request.GET, "meeting", 0), course=course)
    query = request.GET.get("q", "").strip()
    readings = []
    if query:
        readings = (
            course.readings.filter(
                Q(title__icontains=query) | Q(authors__icontains=query) | Q(arxiv_id__icontains=query)
            )
            .prefetch_related("slots__meeting")
            # The title itself first, then titles that start with it, then the rest (#16: "Palette"
            # found "MUSIC VAE … Palettes" before "Palette: Image-to-image diffusion models").
            .annotate(
                rank=Case(
                    When(title__iexact=query, then=Value(0)),
                    When(title__istartswith=query, then=Value(1)),
                    When(title__icontains=query, then=Value(2)),
                    default=Value(3),
                )
            )
            .order_by("rank", "title")[:12]
        )
    return render(
        request, f"{PAGE}#picker", {"course": course, "meeting": meeting, "readings": readings, "query": query}
    )
