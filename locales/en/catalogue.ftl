## The catalogue and applying

cat-title = { $count ->
    [0] <b>Catalogue</b> · grade { $grade }: nothing matches.
    [one] <b>Catalogue</b> · grade { $grade }: { $count } course
   *[other] <b>Catalogue</b> · grade { $grade }: { $count } courses
}
cat-empty = Try another filter or reset them.
cat-any-dir = any
cat-any-org = any
cat-any-day = any
cat-any-fmt = any
cat-filter-direction = Direction: { $value }
cat-filter-org = School: { $value }
cat-filter-day = Day: { $value }
cat-filter-format = Format: { $value }
cat-btn-direction = 🧭 Direction
cat-btn-org = 🏫 School
cat-btn-day = 📅 Day
cat-btn-format = 💻 Format
cat-btn-reset = ♻️ Reset filters
cat-choose-dir = Choose a direction:
cat-choose-org = Choose the school that teaches the course:
cat-choose-day = Choose a day of the week:
cat-choose-fmt = Choose a format:
cat-paid = paid
cat-free = free
cat-course =
    <b>{ $title }</b>
    { $provider }, { $address }
    { $direction } · { $format } · grades { $grade_min }–{ $grade_max } · { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    } · { $paid }

    { $description }
cat-group =
    <b>Group { $code }</b>: { $slots }
    Teacher: { $teacher } · { $place }
    From { $start } to { $end }
    { $seats ->
        [0] No seats left (waitlist)
        [one] { $seats } seat left of { $capacity }
       *[other] { $seats } seats left of { $capacity }
    } · { $ready ->
        [yes] the group will run
       *[no] { $enrolled } of { $minimum } enrolled to run
    }
cat-no-groups = No open groups right now.
cat-btn-apply = ✍️ Apply to { $code }
cat-btn-mine = 📄 { $code }: { $state }

apply-ask = Apply to <b>{ $course }</b>, group { $code }?
apply-full = ⚠️ This group is full: if your school approves, you will be on the waitlist and get the first seat that frees up.
apply-how = Your parent confirms the application first, then your school's coordinator approves it. You will be told at every step.
apply-btn-confirm = ✅ Yes, apply
apply-done = ✅ Application sent.
apply-parent-told = Your parent has been asked to confirm it.
apply-no-parent = No parent is linked yet: link one so that they can confirm it.

direction-math = Mathematics
direction-science = Natural sciences
direction-it = IT
direction-languages = Languages
direction-humanities = Humanities
direction-art = Fine arts
direction-music = Music
direction-dance = Dance
direction-sport = Sport
direction-technology = Technology

format-in_person = in person
format-online = online
format-blended = blended
