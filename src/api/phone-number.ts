/** Phone numbers given as country code + national number → E.164 and the WhatsApp id (its digits). */

/** The E.164 number and the wa_id WhatsApp uses for it, or null when it cannot be a valid number. */
export function toE164(params: { countryCode: string; phone: string }): { phoneE164: string; waId: string } | null {
  const code = params.countryCode.replace(/\D/g, '');
  const dialled = params.phone.replace(/\D/g, '');
  // A national trunk prefix 0 is dialled only at home (0611… → +34 611…); Italy keeps its leading 0.
  const national = code === '39' ? dialled : dialled.replace(/^0+/, '');
  const digits = `${code}${national}`;
  if (code.length === 0 || code.startsWith('0') || digits.length < 8 || digits.length > 15) return null;
  return { phoneE164: `+${digits}`, waId: digits };
}
