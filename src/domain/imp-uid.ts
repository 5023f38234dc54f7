/** Iamport's payment id: `imp_` and up to 28 letters or digits (12 digits in practice). */
export const IMP_UID_PATTERN = /^imp_[A-Za-z0-9]{1,28}$/;
