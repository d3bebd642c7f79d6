/**
 * English texts of the bot. The key set is the reference: es.ts and pt.ts must have exactly these
 * keys with the same {placeholders}. Button and list-button labels stay within 20 characters, row titles 24.
 */
export const en = {
  'menu.welcome': 'Hi! Welcome to {businessName}. What would you like to do?',
  'menu.prompt': 'What would you like to do?',
  'menu.help': 'I can help you book an appointment, see your appointments or get in touch with {businessName}. What would you like to do?',
  'menu.expired': 'That option is no longer available. What would you like to do?',
  'menu.timedOut': 'We stopped here after a while without a reply; nothing was booked or changed. What would you like to do?',
  'menu.failed': 'Sorry, something went wrong on our side. Please try again. What would you like to do?',
  'menu.handoffEnded': "You're back with the {businessName} assistant. What would you like to do?",
  'menu.book': 'Book appointment',
  'menu.appointments': 'My appointments',
  'menu.talk': 'Talk to us',

  'book.noServices': 'There are no services to book here right now. What would you like to do?',
  'book.chooseService': 'Which service would you like? Write "menu" to start over.',
  'book.servicesButton': 'Services',
  'book.serviceDescription': '{duration} · {price}',
  'book.noStaff': 'Nobody is available for this service right now. What would you like to do?',
  'book.chooseStaff': 'Who would you like for {service}?',
  'book.staffButton': 'Choose',
  'book.anyStaff': 'Any available',
  'book.noDays': 'There are no free days for this service in the coming weeks. What would you like to do?',
  'book.chooseDay': 'Which day suits you for {service}?',
  'book.daysButton': 'Days',
  'book.laterDates': 'Later dates',
  'book.earlierDates': 'Earlier dates',
  'book.dayFull': 'That day has just filled up. Please pick another day.',
  'book.chooseTime': 'Free times on {day} ({zone}):',
  'book.timesButton': 'Times',
  'book.laterTimes': 'Later times',
  'book.slotWithStaff': 'with {staff}',
  'book.summary': 'Please check your appointment:\n\n*{service}*\nWith: {staff}\nWhen: {when}\nPrice: {price}\n\nShall I book it?',
  'book.confirmButton': 'Confirm',
  'book.changeButton': 'Change',
  'book.confirmed': 'Booked! ✅\n\n*{service}* with {staff}\n{when}\nPrice: {price}\n\nTo see, move or cancel it, write "menu" and choose My appointments.{calendar}',
  'book.alreadyBooked': "You're already booked: *{service}* with {staff}, {when}.\n\nTo see, move or cancel it, write \"menu\" and choose My appointments.",
  'book.addToCalendar': '📅 Add to calendar: {url}',
  'book.slotTaken': 'Sorry, that time was just taken. These are the nearest free times ({zone}):',
  'book.slotTakenNoAlternatives': 'Sorry, that time was just taken. Please pick another day.',

  'reschedule.summary': 'Move your *{service}* with {staff}\nfrom: {oldWhen}\nto: {when}\n\nShall I move it?',
  'reschedule.done': 'Done! Your *{service}* with {staff} is now on {when}.\n\nTo see, move or cancel it, write "menu" and choose My appointments.{calendar}',

  'manage.none': 'You have no upcoming appointments. What would you like to do?',
  'manage.chooseBooking': 'Your upcoming appointments. Which one would you like to manage?',
  'manage.bookingsButton': 'Appointments',
  'manage.bookingRow': '{service} · {staff}',
  'manage.actions': '*{service}* with {staff}\n{when}\n\nWhat would you like to do?',
  'manage.rescheduleButton': 'Reschedule',
  'manage.cancelButton': 'Cancel',
  'manage.backButton': 'Back',
  'manage.cancelQuestion': 'Cancel your *{service}* with {staff} on {when}?',
  'manage.cancelYes': 'Yes, cancel',
  'manage.cancelKeep': 'Keep it',
  'manage.kept': 'Fine, your appointment stays as it is. What would you like to do?',
  'manage.cancelled': 'Your *{service}* on {when} is cancelled. What would you like to do?',
  'manage.changeLocked': "Your appointment on {when} is too close to change here. Please talk to us and we'll help you.",
  'manage.notChangeable': 'That appointment can no longer be changed. What would you like to do?',

  'reminder.confirmed': 'Thank you! Your *{service}* on {when} is confirmed. See you then!',

  'step.pickOption': "Sorry, I didn't get that. Please pick one of these options:",
  'unsupported.note': 'I can only read text and buttons. Please use these options:',
  'contact.saved': 'Thank you, we have saved your phone number.',
  'contact.request': 'So that our team can call you, please share your phone number.',
  'language.changed': "OK, I'll write in English from now on.",
  'optOut.confirmed': "Done: you won't get reminders or news from {businessName} any more. Write START to turn them back on. You can still book here.",
  'optIn.confirmed': "Welcome back! You'll get reminders from {businessName} again. Write STOP to turn them off.",
  'emergency.default': 'If this is an emergency, call your local emergency number now (for example 112 or 911). We have alerted the team at {businessName}.',
  'emergency.custom': '{text}',
  'handoff.started': 'Thanks! A person from the {businessName} team will answer you here {hours}. To go back to the assistant, write "menu".',
  'handoff.hoursKnown': 'during opening hours ({hours})',
  'handoff.hoursUnknown': 'as soon as possible',
  'handoff.leaveQuestion': 'Go back to the assistant? The team will no longer be waiting to answer you here.',
  'handoff.leaveButton': 'Yes, assistant',
  'handoff.stayButton': 'No, wait',
  'handoff.stayed': 'OK, a person from the team will answer you here {hours}.',
  'system.floodNotice': "You're sending messages very quickly. I'll pause for {minutes} minutes, then I'm here again.",
  'system.resetApology': "Sorry, our assistant was updated and I lost track of where we were. Let's start again from the menu.",

  'rating.thanks': 'Thank you for your rating ({rating}/5)!',
} as const satisfies Record<string, string>;

/** Every text key of the catalog. */
export type CatalogKey = keyof typeof en;

/** One language's texts: exactly the English keys. */
export type Catalog = Record<CatalogKey, string>;
