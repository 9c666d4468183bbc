## Applications, consent and review

state-submitted = submitted
state-awaiting_parent = awaiting parent's consent
state-awaiting_school = awaiting the school
state-enrolled = enrolled
state-waitlisted = on the waitlist
state-declined_by_parent = declined by parent
state-rejected = rejected by the school
state-withdrawn = withdrawn
state-expired = expired
state-group_cancelled = group cancelled

apps-title = { $count ->
    [one] Your { $count } application:
   *[other] Your { $count } applications:
}
apps-empty = You have no applications yet. Find a course in the catalogue.
app-card =
    <b>{ $course }</b>, group { $group } ({ $provider })
    Student: { $student }
    State: { $state }
app-offer =
    <b>Where and when</b>
    { $provider }, { $address }
    Place: { $place } · teacher: { $teacher }
    Weekly: { $slots }
    From { $start } to { $end }
app-history = <b>History</b>
app-history-line = { $when } — { $state } ({ $who })
app-history-reason = Reason: { $reason }
app-by-system = automatically
withdraw-ask = Withdraw this application? Its seat goes to the next person on the waitlist; this cannot be undone.
withdraw-done = ↩️ The application is withdrawn.

consent-application =
    <i>By confirming, you as the child's legal representative agree that the child attends this course of the network and that the school processes the child's name, school and grade for it (consent text version { $version }).</i>
consent-application-and-data =
    <i>By confirming, you as the child's legal representative agree that the child attends this network course (version { $version }) and consent to the processing of the child's personal data for applications, the timetable and attendance (version { $data_version }). The full text of the consent is one tap below; you can withdraw it at any time with /consent.</i>
confirm-done = ✅ Thank you, consent recorded. The school reviews the application next.
decline-ask-reason = Why do you decline? Type a reason for your child, or press «Skip».
decline-done = 🚫 The application is declined.

link-code =
    Show this code to your parent: <code>{ $code }</code>
    Or send them this link: { $link }
    The code works once, until { $expires }.
link-ask-code = Type the code your child sees in the bot (under «Link a parent»).
link-done = 👪 Linked: { $child }. You will be asked to confirm each of their applications.
children-none = No child is linked yet. Ask your child to open «Link a parent» in the bot and give you the code.
children-title = Your children: { $names }

review-title = { $count ->
    [one] { $count } application waits for your decision:
   *[other] { $count } applications wait for your decision:
}
review-empty = No applications wait for your review. 🎉
approve-done-enrolled = ✅ Approved: the student is enrolled.
approve-done-waitlisted = ⏳ Approved, but the group is full: the student is on the waitlist.
reject-ask-reason = Type the reason for rejecting; the student and the parents will read it.
reject-done = ❌ The application is rejected.
