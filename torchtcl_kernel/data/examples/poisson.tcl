# Counts of events per interval when 3 happen on average.
torch::manual_seed 9
set counts [torch::poisson -size {2 4} -lambda 3.0]
puts [torch::tensor_to_list $counts]
