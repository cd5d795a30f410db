// Mozilla's Firefox Accounts list of common passwords (≈50,000, filtered from the SecLists top million).
declare module "fxa-common-password-list" {
  const commonPasswordList: { test(password: string): boolean };
  export default commonPasswordList;
}
