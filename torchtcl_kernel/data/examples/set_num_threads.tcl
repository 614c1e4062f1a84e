# Run CPU operations on one thread for a while, then go back to the old count.
set saved [torch::get_num_threads]
puts [torch::set_num_threads 1]
puts "now [torch::get_num_threads] thread"
torch::set_num_threads -numThreads $saved
puts "back to $saved"
