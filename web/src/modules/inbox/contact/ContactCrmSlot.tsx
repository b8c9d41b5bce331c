import { lazy, Suspense } from 'react';
import type { Contact } from '../inbox.api';

// The CRM section is its own chunk: the inbox's initial bundle stays small.
const ContactCrmSection = lazy(() =>
  import('../../crm/contact/ContactCrmSection').then((module) => ({ default: module.ContactCrmSection })),
);

/**
 * Where the CRM shows the contact's events, deals, tasks and timeline, with buttons to create each
 * pre-filled from the contact and linked back to the conversation (`conversationId` is its display id).
 */
export function ContactCrmSlot({
  accountId,
  contact,
  conversationId,
}: {
  accountId: number;
  contact: Contact;
  conversationId: number;
}) {
  return (
    <Suspense fallback={null}>
      <ContactCrmSection
        key={contact.id}
        accountId={accountId}
        contact={{ id: contact.id, name: contact.name, phone_number: contact.phone_number, email: contact.email }}
        conversationId={conversationId}
      />
    </Suspense>
  );
}
