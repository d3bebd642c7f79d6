/** How the console names a customer: WhatsApp username customers (no phone) are shown by @username. */

/** The customer fields these labels read. */
export interface LabelledCustomer {
  name: string | null;
  phoneE164: string | null;
  username?: string | null;
  waId: string;
}

/** Where the console would show a phone number: the phone, else @username, else the WhatsApp id. */
export function formatCustomerContact(customer: LabelledCustomer): string {
  if (customer.phoneE164) return customer.phoneE164;
  if (customer.username) return `@${customer.username}`;
  return customer.waId;
}

/** The customer's name, else how to reach them. */
export function formatCustomerName(customer: LabelledCustomer): string {
  return customer.name ?? formatCustomerContact(customer);
}
