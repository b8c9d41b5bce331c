/**
 * Where the CRM shows the contact's events, deals and timeline (the CRM issue fills it). Renders
 * nothing until then.
 */
export function ContactCrmSlot(_props: { contactId: number }) {
  return null;
}
