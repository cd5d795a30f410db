-- A mandate whose invitation Twikey e-mailed to the customer (prepared → invited → signed).

-- AlterEnum
ALTER TYPE "MandateStatus" ADD VALUE 'INVITED';
