// The pages' one script (built by scripts/build-assets.mjs into /assets/app.<hash>.js). Each module looks for
// its own page's markers and does nothing elsewhere. Every write goes through the JSON API, so the API's rules
// are the only rules.
import { setUpAdminCatalogue } from "./admin-catalogue";
import { setUpAuth } from "./auth";
import { setUpCart } from "./cart";
import { setUpCheckout } from "./checkout";
import { setUpPaymentPage } from "./payment";
import { setUpRefunds } from "./refund";
import { setUpSubscriptions } from "./subscriptions";

setUpAuth();
setUpCart();
setUpCheckout();
setUpRefunds();
setUpPaymentPage();
setUpAdminCatalogue();
setUpSubscriptions();
